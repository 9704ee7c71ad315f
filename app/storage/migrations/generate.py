"""Print the DDL of the current models (used once per schema version)."""

from app.storage.migrations import generate_initial

if __name__ == "__main__":
    print(generate_initial(), end="")
