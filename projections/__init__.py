"""Read side: disposable SQLite read models built from the event log, and the queries over them."""
