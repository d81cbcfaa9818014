from binhdan.core.querysets import ScopedQuerySet
from binhdan.core.text import fold


class PersonQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)

    def search(self, text: str):
        """Diacritics- and case-insensitive: "nguyen van a" finds "Nguyễn Văn A"."""
        folded = fold(text)
        return self.filter(name_folded__contains=folded) if folded else self


class HouseholdQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)


class ImportJobQuerySet(ScopedQuerySet):
    pass
