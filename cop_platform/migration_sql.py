"""SQL that only PostgreSQL runs, for migrations: full-text documents, trigram indexes and the like, which SQLite
(the embedded default) has no use for or cannot run."""

from django.db import migrations


def postgresql_only(forward: list[str], backward: list[str]) -> migrations.RunPython:
    """A migration operation that executes `forward` (and, reversed, `backward`) on PostgreSQL and nothing on
    other databases. RunPython rather than RunSQL, which would run the statements everywhere."""

    def executing(statements):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements:
                    schema_editor.execute(statement)

        return run

    return migrations.RunPython(executing(forward), executing(backward))
