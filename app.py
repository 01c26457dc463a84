"""Shinan District project map: ``streamlit run app.py`` (or ``make run``)."""

from ui.app import main

main()
