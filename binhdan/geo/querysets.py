from django.db.models import Q

from binhdan.core.querysets import NATION, ScopedQuerySet


class AdminUnitQuerySet(ScopedQuerySet):
    """A unit is in scope when it lies in the subtree of one of the user's units."""

    def _scope_q(self, level, unit_id, path):
        if level == NATION:
            return None
        return Q(path__startswith=path)

    def open(self):
        return self.filter(valid_to__isnull=True)

    def provinces(self):
        return self.filter(level=1)

    def communes(self):
        return self.filter(level=2)

    def villages(self):
        return self.filter(level=3)


class OrganisationQuerySet(ScopedQuerySet):
    def in_kind_order(self):
        """The order officials list them: People's Committee and its offices first, then the mass organisations."""
        from django.db.models import Case, IntegerField, Value, When

        kinds = self.model.Kind.values
        order = Case(*[When(kind=k, then=Value(i)) for i, k in enumerate(kinds)], output_field=IntegerField())
        return self.order_by(order, "name")
