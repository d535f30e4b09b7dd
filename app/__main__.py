"""`python -m app`: serve Videologue (app/launcher.py; `python -m app --help` lists the flags)."""

from app.launcher import main

main()
