"""Error reports get a life (new → in progress → resolved or rejected, an assignee, internal
notes); reminders of stale listings are recorded."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def handled_to_resolved(apps, schema_editor):
    ErrorReport = apps.get_model("services", "ErrorReport")
    ErrorReport.objects.filter(status="HANDLED").update(status="RESOLVED", reply_to="")


def resolved_to_handled(apps, schema_editor):
    ErrorReport = apps.get_model("services", "ErrorReport")
    ErrorReport.objects.filter(status__in=["RESOLVED", "REJECTED"]).update(status="HANDLED")
    ErrorReport.objects.filter(status="IN_PROGRESS").update(status="NEW")


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0003_search_index_changes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="errorreport", name="error_report_handled_has_a_time"
        ),
        migrations.RenameField(model_name="errorreport", old_name="handled_by", new_name="closed_by"),
        migrations.RenameField(model_name="errorreport", old_name="handled_at", new_name="closed_at"),
        migrations.AlterField(
            model_name="errorreport",
            name="status",
            field=models.CharField(
                choices=[
                    ("NEW", "new"),
                    ("IN_PROGRESS", "in progress"),
                    ("RESOLVED", "resolved"),
                    ("REJECTED", "rejected"),
                ],
                default="NEW",
                max_length=12,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(handled_to_resolved, resolved_to_handled),
        migrations.AddField(
            model_name="errorreport",
            name="assignee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="assigned to",
            ),
        ),
        migrations.AddField(
            model_name="errorreport",
            name="language",
            field=models.CharField(
                choices=[("fi", "Finnish"), ("sv", "Swedish"), ("en", "English")],
                default="fi",
                max_length=2,
                verbose_name="language",
            ),
        ),
        migrations.AddField(
            model_name="errorreport",
            name="outcome",
            field=models.TextField(
                blank=True,
                help_text="Sent to the reporter's address, if they left one, when the report closes.",
                max_length=2000,
                verbose_name="message to the reporter",
            ),
        ),
        migrations.AlterField(
            model_name="errorreport",
            name="closed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="closed by",
            ),
        ),
        migrations.AlterField(
            model_name="errorreport",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="closed"),
        ),
        migrations.AlterField(
            model_name="errorreport",
            name="reply_to",
            field=models.CharField(
                blank=True,
                help_text="Optional. Erased once the report is closed.",
                max_length=200,
                verbose_name="reply address",
            ),
        ),
        migrations.AddConstraint(
            model_name="errorreport",
            constraint=models.CheckConstraint(
                condition=models.Q(status__in=["NEW", "IN_PROGRESS"], closed_at__isnull=True)
                | models.Q(status__in=["RESOLVED", "REJECTED"], closed_at__isnull=False),
                name="error_report_closed_has_a_time",
                violation_error_message="A closed report has a time of closing.",
            ),
        ),
        migrations.AddConstraint(
            model_name="errorreport",
            constraint=models.CheckConstraint(
                condition=models.Q(status__in=["NEW", "IN_PROGRESS"]) | models.Q(reply_to=""),
                name="error_report_closed_keeps_no_address",
                violation_error_message="A closed report keeps no reply address.",
            ),
        ),
        migrations.CreateModel(
            name="ErrorReportNote",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.TextField(max_length=2000, verbose_name="note")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="written")),
                ("author", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="author")),
                ("report", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notes", to="services.errorreport", verbose_name="report")),
            ],
            options={
                "verbose_name": "internal note",
                "verbose_name_plural": "internal notes",
                "ordering": ["created_at", "pk"],
            },
        ),
    ]
