from django.dispatch import Signal

# Sent inside the publishing transaction, after the previous edition is archived.
# Arguments: edition (now published), previous (archived, or None),
# mapping ({old action code: new action code, or None when removed}), by (the admin).
edition_published = Signal()
