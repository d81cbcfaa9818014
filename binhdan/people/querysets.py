from django.db.models import Q

from binhdan.core.querysets import ScopedQuerySet
from binhdan.core.text import fold


class PersonQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)

    def search(self, text: str):
        """Diacritics- and case-insensitive, word by word: "nguyen thi hoa" finds "Nguyễn Thị Hoà",
        "hoa nguyen" too, and "đ" matches "d". Each word must begin a word of the name.

        The folded name is indexed (a trigram GIN index on PostgreSQL), and list pages always
        search inside one village or commune first.
        """
        qs = self
        for word in fold(text).split(" ")[:6]:
            if word:
                qs = qs.filter(Q(name_folded__startswith=word) | Q(name_folded__contains=" " + word))
        return qs


class HouseholdQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)


class ImportJobQuerySet(ScopedQuerySet):
    pass
