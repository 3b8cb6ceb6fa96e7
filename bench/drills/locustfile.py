"""The load drill's simulated users, run by locust in its own virtualenv (never imported
by Django or pytest: locust patches the standard library with gevent).

Each user takes one identity of ``DRILL_USERS_FILE`` (written by ``bench.drills.load``:
an API token of a member allowed to write, the organisation's slug and its adoptions)
and logs progress through the API, now and then reading an adoption's log back. The users
are locust's ``FastHttpUser`` (geventhttpclient): the load tool shares the 2 cores with the
portal, and this client costs a fraction of the CPU per request of ``HttpUser`` (requests),
which took a quarter of a core at 150 requests/s. The id
of every entry the API acknowledged (201) is appended to
``DRILL_IDS_DIR/created-<pid>.txt``, so that the drill can look for each one in the
database afterwards.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from pathlib import Path

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

IDENTITIES = json.loads(Path(os.environ["DRILL_USERS_FILE"]).read_text(encoding="utf-8"))
CREATED = (Path(os.environ["DRILL_IDS_DIR"]) / f"created-{os.getpid()}.txt").open(
    "a", buffering=1, encoding="utf-8"
)
_next_identity = itertools.count()
PROGRESS = "/api/v1/organisations/{slug}/adoptions/{id}/progress/"


class Member(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        me = IDENTITIES[next(_next_identity) % len(IDENTITIES)]
        self.slug, self.adoptions = me["slug"], me["adoptions"]
        self.token_headers = {"Authorization": f"Token {me['token']}", "Accept-Language": "en"}

    def _url(self) -> str:
        return PROGRESS.format(slug=self.slug, id=random.choice(self.adoptions))

    @task(4)
    def log_progress(self) -> None:
        body = {
            "narrative": f"Load drill: workshop held with patient partners ({uuid.uuid4()}).",
            "percent_complete": random.randint(0, 100),
        }
        with self.client.post(
            self._url(),
            json=body,
            headers=self.token_headers,
            name="POST progress",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
                return
            CREATED.write(f"{response.json()['id']}\n")
            response.success()

    @task(1)
    def read_log(self) -> None:
        self.client.get(self._url(), headers=self.token_headers, name="GET progress")
