"""FieldsBuiltOnce: a serializer's fields are built once per class, and each instance still
gets fields of its own, bound to it and reading its own context."""

from __future__ import annotations

from rest_framework import serializers

from apps.core.api.serializers import FieldsBuiltOnce


class Probe(FieldsBuiltOnce, serializers.Serializer):
    name = serializers.CharField()
    nested = serializers.ListField(child=serializers.CharField())
    who = serializers.SerializerMethodField()

    def get_who(self, obj: dict) -> str:
        return self.context["who"]


def test_the_fields_are_built_once_and_each_instance_has_its_own(monkeypatch) -> None:
    builds = []
    build = serializers.Serializer.get_fields
    monkeypatch.setattr(
        serializers.Serializer, "get_fields", lambda self: builds.append(1) or build(self)
    )
    monkeypatch.delattr(Probe, "_fields_built", raising=False)

    first, second = Probe(context={"who": "first"}), Probe(context={"who": "second"})
    row = {"name": "Ada", "nested": ["a", "b"]}

    assert first.to_representation(row) == {"name": "Ada", "nested": ["a", "b"], "who": "first"}
    assert second.to_representation(row)["who"] == "second"
    assert len(builds) == 1
    assert first.fields["name"] is not second.fields["name"]
    assert first.fields["nested"].child is not second.fields["nested"].child
    assert first.fields["name"].parent is first
    assert second.fields["name"].parent is second


class Inner(FieldsBuiltOnce, serializers.Serializer):
    label = serializers.CharField()
    who = serializers.SerializerMethodField()

    def get_who(self, obj: dict) -> str:
        return self.context["who"]


class Outer(FieldsBuiltOnce, serializers.Serializer):
    rows = Inner(many=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=3))


def test_nested_fields_are_their_holders_own_and_read_the_root_context() -> None:
    first, second = Outer(context={"who": "first"}), Outer(context={"who": "second"})
    row = {"rows": [{"label": "a"}], "tags": ["x"]}

    assert first.to_representation(row)["rows"] == [{"label": "a", "who": "first"}]
    assert second.to_representation(row)["rows"] == [{"label": "a", "who": "second"}]
    for outer in (first, second):
        rows, tags = outer.fields["rows"], outer.fields["tags"]
        assert rows.parent is outer
        assert rows.child.parent is rows
        assert tags.child.parent is tags
        assert tags.child.root is outer
    assert first.fields["rows"].child is not second.fields["rows"].child
    assert first.fields["rows"].child.fields["who"] is not second.fields["rows"].child.fields["who"]


def test_a_copy_validates_as_the_declared_field_does() -> None:
    ok = Outer(data={"rows": [{"label": "a"}], "tags": ["abc"]})
    assert ok.is_valid(), ok.errors
    bad = Outer(data={"rows": [{}], "tags": ["abcd"]})
    assert not bad.is_valid()
    assert set(bad.errors) == {"rows", "tags"}
    assert "label" in bad.errors["rows"][0]
