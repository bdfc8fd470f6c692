"""wenku worker: do the background work (imports uploaded on the site, index, near-duplicate review, downloads)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenku.jobs import follow_ups
from wenku.jobs.models import ImportJob


class Command(BaseCommand):
    help = gettext_lazy(
        "Run the background worker: import jobs queued by uploads, then the search and 查重 indexes, near-duplicate "
        "reviews and download files. `wenku serve` starts one; run more (on any machine sharing the database) "
        "for a busy site."
    )
    examples = gettext_lazy(
        "  wenku worker             work until stopped (SIGTERM: after the job in hand)\n"
        "  wenku worker --once      do what is waiting, then exit\n"
        "  wenku worker --status    say how much work waits"
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help=_("do what is waiting, then exit"))
        parser.add_argument("--status", action="store_true", help=_("say how much work waits, then exit"))
        parser.add_argument("--idle-sleep", type=float, default=1.0, help=_("seconds between looks when idle"))

    def handle(self, *args, once: bool, status: bool, idle_sleep: float, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if status:
            queued = ImportJob.objects.filter(state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]).count()
            waiting = follow_ups.waiting()
            steps = ", ".join(f"{step} {count}" for step, count in waiting.items())
            message = _("import jobs waiting: %(jobs)d; follow-up steps waiting: %(steps)s")
            self.stdout.write(message % {"jobs": queued, "steps": steps})
            return
        from wenku.jobs.worker import Worker

        worker = Worker(idle_sleep=idle_sleep)
        self.stdout.write(_("worker %(name)s started") % {"name": worker.name})
        done = worker.run(once=once)
        message = _("worker %(name)s stopped after %(count)d import jobs")
        self.stdout.write(message % {"name": worker.name, "count": done})
