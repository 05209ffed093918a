"""An ID number is one person: petitioners sharing one are merged into the oldest (as `qingji merge-petitioners`
does, which also audits each merge: run it before upgrading to have them in the audit log), then the database
refuses a second petitioner with the same ID number."""

from django.db import migrations, models


def merge(apps, schema_editor):
    from qingji.ledger.merge import merge_duplicates

    report = merge_duplicates(apps.get_model("ledger", "Petitioner"), apps.get_model("ledger", "CasePetitioner"),
                              apply=True)
    for group in report:
        print(f"  merged petitioners {group['merged']} into {group['kept']} (cases {group['cases']})")
    if report and schema_editor.connection.vendor == "postgresql":
        # The moved links' deferred foreign-key checks run now: PostgreSQL builds no index on a table with
        # checks pending in the transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_category_rules")]
    operations = [
        migrations.RunPython(merge, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="petitioner",
            constraint=models.UniqueConstraint(condition=models.Q(("id_number_digest", ""), _negated=True),
                                               fields=("id_number_digest",), name="petitioner_id_digest_unique"),
        ),
    ]
