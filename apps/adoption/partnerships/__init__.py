"""Joint commitments (issue 17): an organisation asks another to act on one of its adoptions
together; once the partner accepts, both log progress on it, agree shared objectives and
confirm each other's entries.

``models`` holds the rows (the adoption app's models module imports them, so they belong to the
adoption app), ``services`` every write, ``selectors`` the reads, ``notifications`` the emails.
"""
