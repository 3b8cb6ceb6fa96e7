"""Joint commitments (issue 17): partnership requests, shared objectives, confirmations.

Every existing entry was written by its adoption's organisation. The partners adoptions named
before were never asked: each becomes a request waiting for that organisation's answer, asked
by whoever created the adoption (no email is sent for them). Then the old list goes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def entries_written_by_their_organisation(apps, schema_editor):
    ProgressEntry = apps.get_model("adoption", "ProgressEntry")
    Adoption = apps.get_model("adoption", "Adoption")
    ProgressEntry.objects.update(
        organisation_id=Subquery(
            Adoption.objects.filter(pk=OuterRef("adoption_id")).values("organisation_id")[:1]
        )
    )


def named_partners_become_requests(apps, schema_editor):
    Adoption = apps.get_model("adoption", "Adoption")
    Partnership = apps.get_model("adoption", "Partnership")
    through = Adoption.partners.through
    rows = through.objects.exclude(organisation_id=F("adoption__organisation_id")).values_list(
        "adoption_id", "organisation_id", "adoption__created_by_id"
    )
    Partnership.objects.bulk_create(
        Partnership(adoption_id=adoption, partner_id=partner, requested_by_id=by)
        for adoption, partner, by in rows.iterator()
    )


class Migration(migrations.Migration):

    dependencies = [
        ('adoption', '0005_checkpoint_reflections'),
        ('organisations', '0003_public_profile'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='progressentry',
            name='organisation',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation', verbose_name='written by'),
        ),
        migrations.CreateModel(
            name='Partnership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('state', models.CharField(choices=[('pending', 'Waiting for an answer'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('withdrawn', 'Withdrawn')], default='pending', max_length=10, verbose_name='state')),
                ('message', models.TextField(blank=True, max_length=2000, verbose_name='message')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn at')),
                ('adoption', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='partnerships', to='adoption.adoption', verbose_name='adoption')),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by')),
                ('partner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='partnerships_received', to='organisations.organisation', verbose_name='partner organisation')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                ('withdrawn_by_organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='organisations.organisation', verbose_name='withdrawn by')),
            ],
            options={
                'verbose_name': 'partnership',
                'verbose_name_plural': 'partnerships',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='SharedObjective',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('text', models.TextField(max_length=1000, verbose_name='objective')),
                ('target_date', models.DateField(verbose_name='target date')),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed at')),
                ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by (person)')),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='objectives', to='adoption.partnership', verbose_name='partnership')),
                ('proposed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='proposed by (person)')),
                ('proposed_by_organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation', verbose_name='proposed by')),
            ],
            options={
                'verbose_name': 'shared objective',
                'verbose_name_plural': 'shared objectives',
                'ordering': ['target_date', 'created_at'],
            },
        ),
        migrations.CreateModel(
            name='EntryConfirmation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('confirmed_at', models.DateTimeField(auto_now_add=True, verbose_name='confirmed at')),
                ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by (person)')),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='confirmations', to='adoption.progressentry', verbose_name='entry')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation', verbose_name='confirmed by')),
            ],
            options={
                'verbose_name': 'confirmation of an entry',
                'verbose_name_plural': 'confirmations of entries',
                'ordering': ['confirmed_at'],
                'constraints': [models.UniqueConstraint(fields=('entry', 'organisation'), name='entry_confirmed_once_per_organisation')],
            },
        ),
        migrations.AddIndex(
            model_name='partnership',
            index=models.Index(fields=['partner', 'state'], name='adoption_pa_partner_df9b28_idx'),
        ),
        migrations.AddConstraint(
            model_name='partnership',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'withdrawn'), _negated=True), fields=('adoption', 'partner'), name='partnership_once_per_adoption', violation_error_message='This organisation has already been asked to act on this adoption.'),
        ),
        migrations.RunPython(entries_written_by_their_organisation, migrations.RunPython.noop),
        migrations.RunPython(named_partners_become_requests, migrations.RunPython.noop),
    ]
