from binhdan.core.querysets import ScopedQuerySet
from binhdan.core.text import fold


class PersonQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)

    def search(self, text: str):
        """Diacritics- and case-insensitive: "nguyen thi hoa" finds "Nguyễn Thị Hoà", "thi hoa" too,
        and "đ" matches "d". One LIKE on the folded name: on PostgreSQL a trigram index answers
        it; on SQLite the (place, valid_to, name) index is scanned instead of the table. List
        pages always search inside one village or commune.
        """
        folded = fold(text)
        return self.filter(name_folded__contains=folded) if folded else self


class HouseholdQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)


class ImportJobQuerySet(ScopedQuerySet):
    pass
