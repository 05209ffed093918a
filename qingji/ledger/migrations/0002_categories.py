from django.db import migrations

# The categories of spec/ledger-template.md; committees edit the list afterwards.
CATEGORIES = ["土地征用", "房屋拆迁", "国企改制", "劳动争议", "婚姻家庭", "民间借贷", "人身损害", "执行不能",
              "刑事申诉", "行政争议", "其他"]


def load(apps, schema_editor):
    Category = apps.get_model("ledger", "Category")
    for position, name in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"position": position * 10})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
