"""Alembic environment: migrations run on the connection given in the configuration's
attributes (see logistics.store.migrate), inside its transaction."""

from alembic import context

from logistics.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
