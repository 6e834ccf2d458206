from signals.cli.app import main

main()
