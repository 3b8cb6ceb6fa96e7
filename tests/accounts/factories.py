import factory
from allauth.account.models import EmailAddress

from apps.accounts.models import User
from apps.organisations.models import Level, Membership, Organisation
from apps.organisations.permissions import Role
from tests.roadmap.factories import StakeholderGroupFactory

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    class Params:
        staff = factory.Trait(is_staff=True, is_superuser=True)


class VerifiedUserFactory(UserFactory):
    """A user whose address allauth knows as verified and primary, so they can sign in."""

    @factory.post_generation
    def verified_email(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


def membership_for(user: User, *, organisation: str, role: str = Role.VIEWER) -> Membership:
    """Make ``user`` a member of the organisation named ``organisation`` (created if new)."""
    org, _ = Organisation.objects.get_or_create(
        slug=organisation.lower().replace(" ", "-"),
        defaults={
            "name": organisation,
            "stakeholder_group": StakeholderGroupFactory(),
            "country": "BE",
            "level": Level.NATIONAL,
        },
    )
    return Membership.objects.create(organisation=org, user=user, role=role)
