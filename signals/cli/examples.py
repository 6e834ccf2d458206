"""The examples each help page ends with: what it does, and the command line that does it.

Keyed by the command's path below `signals` ('' is `signals` itself). Every example is
parsed by the tests against the command it illustrates, so none names an option that
does not exist."""

EXAMPLES: dict[str, tuple[tuple[str, str], ...]] = {
    "": (
        ("Load events from a file", "signals import events.csv"),
        ("Where the signals stand, in another database", "signals status --db watch.db"),
    ),
    "init": (("Create a database of its own for one watch list", "signals init --db watch.db"),),
    "indicators": (
        ("The indicators of intent", "signals indicators --kind intent"),
        ("One indicator in full", "signals indicators show declaration-intent"),
    ),
    "indicators show": (
        ("What counts for an indicator", "signals indicators show nuclear-threats"),
    ),
    "indicators review": (
        ("How each indicator did over the last year", "signals indicators review"),
        (
            "Over the half year before a date",
            "signals indicators review --as-of 2024-06-20 --weeks 26",
        ),
    ),
    "log": (
        (
            "A threat reported by TASS, graded B2",
            'signals log nuclear-threats "A strike threatened" --source TASS -r B -c 2',
        ),
        ("Asked for what is left out, on a terminal", "signals log"),
    ),
    "status": (
        ("Where the signals stand today", "signals status"),
        ("Every figure traced to its events", "signals status --as-of 2024-06-20 --explain"),
    ),
    "report": (
        ("This week's report in the terminal", "signals report"),
        ("A week's brief to read or print", "signals report --week 2024-W25 -o brief.html"),
    ),
    "check": (
        ("What crossed a line since the last check", "signals check"),
        (
            "The same, sent where the settings say",
            "signals check --notify --notify-config notify.toml",
        ),
    ),
    "alerts": (("The alerts not yet acknowledged", "signals alerts list --open"),),
    "alerts list": (
        ("The alerts not yet acknowledged", "signals alerts list --open"),
        ("Every alert since June", "signals alerts list --since 2024-06-01"),
    ),
    "alerts ack": (
        ("Acknowledge an alert", 'signals alerts ack 3 --note "Desk briefed; watching the border"'),
    ),
    "import": (
        ("Check a file first, then import it", "signals import events.csv --dry-run"),
        (
            "GDELT events, keeping the rows that do not fit aside",
            "signals import gdelt.CSV --map gdelt --skip-invalid --rejects rejects.csv",
        ),
    ),
    "export": (
        ("Every event, for a spreadsheet", "signals export -o events.csv"),
        ("One indicator's events as JSON", "signals export --indicator nuclear-threats --json"),
    ),
    "events": (("The events of one indicator", "signals events list --indicator nuclear-threats"),),
    "events list": (
        ("Events observed since March", "signals events list --since 2024-03-01"),
        ("Events that mention a place", 'signals events list --search "abu dhabi"'),
    ),
    "events show": (("An event with its revisions", "signals events show 12"),),
    "events edit": (
        (
            "A report now confirmed, and why",
            'signals events edit 12 --status confirmed --reason "Reuters confirmed it"',
        ),
        ("Clear a variant given by mistake", "signals events edit 12 --variant ''"),
    ),
    "events retract": (
        ("Withdraw an event", 'signals events retract 12 --reason "Source withdrew the story"'),
    ),
    "forecasts": (("Keep today's figures in the record", "signals forecasts record"),),
    "forecasts record": (
        ("Keep today's figures", "signals forecasts record"),
        (
            "Backfill every week since January, as known then",
            "signals forecasts record --since 2024-01-01",
        ),
    ),
    "forecasts resolve": (
        (
            "Record that the ploy held from a date",
            'signals forecasts resolve --hypothesis ploy --from 2024-06-01 --note "Talks broke off"',
        ),
    ),
    "forecasts list": (("The forecasts and resolutions kept", "signals forecasts list"),),
    "forecasts score": (("Brier scores and calibration", "signals forecasts score --bins 5"),),
    "catalogue": (("Check a catalogue", "signals catalogue validate my-catalogue.toml"),),
    "catalogue validate": (
        ("Check a catalogue before using it", "signals catalogue validate my-catalogue.toml"),
    ),
    "db": (("Check the database", "signals db check"),),
    "db check": (
        ("Check the database", "signals db check"),
        (
            "Recount the kept totals when the check finds them wrong",
            "signals db check --repair-totals",
        ),
    ),
    "db backup": (("A dated backup", "signals db backup signals-2024-06-20.db"),),
}
