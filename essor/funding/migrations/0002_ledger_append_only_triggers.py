"""The ledger is append-only in the database too (design.md §5).

PostgreSQL: a trigger refuses every UPDATE and DELETE of a ledger entry. SQLite: a trigger
refuses every UPDATE (deletes stay possible there only because the test-suite empties
tables with DELETE between transactional tests; the model and its queryset refuse them).

One update is let through: setting `actor` to NULL and nothing else, which is what
deleting a user account does (on_delete=SET_NULL); `actor_label` keeps the name.
"""

from django.db import migrations

COLUMNS = (
    "id", "envelope_id", "region_id", "kind", "account", "amount_cents", "request_id",
    "instrument_id", "reverses_id", "note", "actor_label", "created_at",
)

PG_FORWARD = [
    f"""
CREATE OR REPLACE FUNCTION funding_ledger_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND ROW({", ".join("NEW." + c for c in COLUMNS)})
           IS NOT DISTINCT FROM ROW({", ".join("OLD." + c for c in COLUMNS)}) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'funding_ledgerentry is append-only: ' || TG_OP || ' refused, record a reversal';
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER funding_ledger_append_only
    BEFORE UPDATE OR DELETE ON funding_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION funding_ledger_append_only()
""",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS funding_ledger_append_only ON funding_ledgerentry",
    "DROP FUNCTION IF EXISTS funding_ledger_append_only()",
]

SQLITE_FORWARD = f"""
CREATE TRIGGER funding_ledger_append_only
BEFORE UPDATE ON funding_ledgerentry
WHEN NOT (NEW.actor_id IS NULL AND {" AND ".join(f"NEW.{c} IS OLD.{c}" for c in COLUMNS)})
BEGIN
    SELECT RAISE(ABORT, 'funding_ledgerentry is append-only: UPDATE refused, record a reversal');
END
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS funding_ledger_append_only;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_FORWARD:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_BACKWARD:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_budget_envelopes_instruments_requests_ledger")]

    operations = [migrations.RunPython(forward, backward)]
