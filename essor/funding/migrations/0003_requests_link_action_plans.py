"""Funding requests and their cost lines point to action plans and actions.

The integer hooks `action_plan_id` and `action_id` become foreign keys in three steps
(conventions.md §9): rename the hook column, add the key and fill it from the hook where
the plan or action exists, drop the hook. A hook naming no existing plan (plans did not
exist before this migration) is left empty rather than pointing nowhere.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_from_hooks(apps, schema_editor):
    """Link only a plan of the request's own firm, and an action of the request's plan."""
    FundingRequest = apps.get_model("funding", "FundingRequest")
    FundingCostLine = apps.get_model("funding", "FundingCostLine")
    ActionPlan = apps.get_model("actionplans", "ActionPlan")
    Action = apps.get_model("actionplans", "Action")
    plan_firm = dict(ActionPlan.objects.values_list("pk", "company_id"))
    for request in FundingRequest.objects.exclude(action_plan_hook=None).only(
        "action_plan_hook", "company_id"
    ):
        if plan_firm.get(request.action_plan_hook) == request.company_id:
            FundingRequest.objects.filter(pk=request.pk).update(
                action_plan_id=request.action_plan_hook
            )
    action_plan = dict(Action.objects.values_list("pk", "plan_id"))
    for line in FundingCostLine.objects.exclude(action_hook=None).select_related("request"):
        plan_id = action_plan.get(line.action_hook)
        if plan_id is not None and plan_id == line.request.action_plan_id:
            FundingCostLine.objects.filter(pk=line.pk).update(action_id=line.action_hook)


class Migration(migrations.Migration):
    dependencies = [
        ("actionplans", "0001_plans_and_actions"),
        ("funding", "0002_ledger_append_only_triggers"),
    ]

    operations = [
        migrations.RenameField("fundingrequest", "action_plan_id", "action_plan_hook"),
        migrations.RenameField("fundingcostline", "action_id", "action_hook"),
        migrations.AddField(
            model_name="fundingrequest",
            name="action_plan",
            field=models.ForeignKey(
                blank=True,
                help_text="The validated action plan this request finances.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="funding_requests",
                to="actionplans.actionplan",
                verbose_name="action plan",
            ),
        ),
        migrations.AddField(
            model_name="fundingcostline",
            name="action",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="funding_lines",
                to="actionplans.action",
                verbose_name="action",
            ),
        ),
        migrations.RunPython(fill_from_hooks, migrations.RunPython.noop),
        migrations.RemoveField("fundingrequest", "action_plan_hook"),
        migrations.RemoveField("fundingcostline", "action_hook"),
    ]
