"""The summary's added figures (reports/checkpoints.py): its grouped query also reads each case's category and
flags, so the narrow covering index of the cases holds them too (PostgreSQL keeps reading it instead of the
wide rows); and the checkpoints read the work-log entries dated between a checkpoint and the day asked."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0007_import_indexes'),
        ('organisations', '0002_official_full_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='case',
            name='case_report_cover_idx',
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['id', 'handling_org', 'registered_on', 'source', 'deadline', 'key_supervision',
                                       'category', 'beijing_petition', 'provincial_petition', 'repeat_petition',
                                       'cross_jurisdiction', 'discipline_related', 'group_petition'],
                               name='case_report_cover_idx'),
        ),
        migrations.AddIndex(
            model_name='worklogentry',
            index=models.Index(fields=['date'], name='worklog_date_idx'),
        ),
    ]
