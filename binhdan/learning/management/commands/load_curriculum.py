import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhdan.learning.loader import CurriculumError
from binhdan.learning.services import load_curriculum


class Command(BaseCommand):
    help = "Validate the curriculum folder (e.g. content/vi) and upsert its levels, skills, lessons and questions."

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", default="content/vi")

    def handle(self, *args, folder, **options):
        started = time.perf_counter()
        try:
            result = load_curriculum(folder)
        except CurriculumError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("%(count)d problem(s) in the curriculum; nothing was changed.") % {"count": len(exc.problems)}
            ) from exc
        self.stdout.write(
            _("Curriculum loaded: %(lessons)d lessons, %(questions)d questions, %(skills)d skills "
              "(%(lv)d new lesson versions, %(qv)d new question versions, %(rl)d lessons and %(rq)d questions "
              "retired) in %(seconds).1f s.")
            % {"lessons": result.lessons, "questions": result.questions, "skills": result.skills,
               "lv": result.new_lesson_versions, "qv": result.new_question_versions, "rl": result.retired_lessons,
               "rq": result.retired_questions, "seconds": time.perf_counter() - started}
        )
