"""Reports: run state and severity summary (plain Python) and the pytest-html / JUnit hooks."""
