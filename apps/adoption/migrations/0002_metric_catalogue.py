"""The starting metric catalogue, after the PARADIGM Monitoring and Evaluation framework
(Vat et al., Health Expectations 2021) and the roadmap's own call to count insights
implemented. Admins extend it in the admin."""

from django.db import migrations

METRICS = [
    # slug, name, kind, unit, component, description
    ("pe-activities", "PE activities held", "count", "activities", "activities",
     "Patient engagement activities (advisory boards, workshops, consultations…) held."),
    ("patients-involved", "Patients and carers involved", "count", "people", "activities",
     "People with lived experience who took part in PE activities."),
    ("insights-received", "Patient insights received", "count", "insights", "learnings",
     "Distinct insights or recommendations received from patients."),
    ("insights-implemented", "Patient insights implemented", "count", "insights", "impacts",
     "Insights that led to a documented change in a decision, document or process."),
    ("pe-budget", "PE budget", "money", "EUR", "input",
     "Money budgeted for patient engagement in the period."),
    ("pe-staff-time", "PE staff time", "hours", "hours", "input",
     "Staff hours spent on patient engagement in the period."),
    ("trainings-delivered", "PE trainings delivered", "count", "trainings", "activities",
     "Training sessions on PE delivered to staff, patients or partners."),
    ("people-trained", "People trained in PE", "count", "people", "activities",
     "Staff, patients or partners who completed PE training."),
    ("diversity-policy", "Equality and diversity policy in place", "yes_no", "", "input",
     "1 if a policy on equality and diversity in PE is in place, otherwise 0."),
    ("fair-compensation-policy", "Fair-market-value compensation policy in place", "yes_no", "",
     "input", "1 if patients are compensated at fair market value under a written policy."),
    ("pe-lead-in-place", "Dedicated PE lead in place", "yes_no", "", "input",
     "1 if the organisation has a dedicated PE lead, otherwise 0."),
    ("patient-satisfaction", "Patients satisfied with the engagement", "percent", "%", "impacts",
     "Share of engaged patients who rate the engagement as meaningful."),
]


def add_metrics(apps, schema_editor):
    Metric = apps.get_model("adoption", "Metric")
    for order, (slug, name, kind, unit, component, description) in enumerate(METRICS):
        Metric.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "unit": unit,
                "component": component,
                "description": description,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("adoption", "0001_initial")]
    operations = [migrations.RunPython(add_metrics, migrations.RunPython.noop)]
