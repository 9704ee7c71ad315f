"""Storage: SQLAlchemy models, engine, migrations, stamping of every synced write."""
