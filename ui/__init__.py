"""User-interface helpers for the Shinan project map."""
