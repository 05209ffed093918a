from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0005_sort_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['id', 'handling_org', 'registered_on', 'source', 'deadline', 'key_supervision'], name='case_report_cover_idx'),
        ),
        migrations.AddIndex(
            model_name='statusperiod',
            index=models.Index(fields=['valid_to'], name='period_to_idx'),
        ),
    ]
