from django.db import migrations, models

# The codes of the seeds' categories (qingji/rules/keys.py DEFAULT_CATEGORIES); any other category keeps its
# row under a code made from its id.
CODES = {"土地征用": "land_acquisition", "房屋拆迁": "demolition", "国企改制": "enterprise_restructuring",
         "劳动争议": "labour_dispute", "婚姻家庭": "marriage_family", "民间借贷": "private_lending",
         "人身损害": "personal_injury", "执行不能": "enforcement_impossible", "刑事申诉": "criminal_appeal",
         "行政争议": "administrative_dispute", "其他": "other"}


def codes(apps, schema_editor):
    Category = apps.get_model("ledger", "Category")
    for category in Category.objects.all():
        category.code = CODES.get(category.name, f"category_{category.pk}")
        category.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_report_indexes_added_figures")]
    operations = [
        migrations.AddField("category", "code", models.CharField("code", max_length=30, null=True)),
        migrations.RunPython(codes, migrations.RunPython.noop),
        migrations.AlterField("category", "code", models.CharField(max_length=30, unique=True, verbose_name="code")),
    ]
