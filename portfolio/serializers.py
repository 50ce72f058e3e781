from __future__ import annotations

from rest_framework import serializers

from core.uploads import ALLOWED_DESCRIPTION

from .strategy_file import MAX_BYTES


class RenewSerializer(serializers.Serializer):
    """The next period of a partnership; what is absent follows the old one."""

    start_date = serializers.DateField(help_text="After the old period's end.")
    end_date = serializers.DateField()
    title = serializers.CharField(
        max_length=300, required=False, help_text="Absent: the old title with the new years."
    )
    slug = serializers.SlugField(
        max_length=80, required=False, help_text="Absent: the old slug with the new years."
    )
    annual_amount = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="Absent: the old partnership's.",
    )
    strategy_title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    strategy_issued = serializers.CharField(
        source="strategy_date",
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="When the new strategy is dated, in its words (December 2020).",
    )
    strategy_document = serializers.FileField(
        required=False,
        write_only=True,
        help_text=f"The new strategy: {ALLOWED_DESCRIPTION}, at most 25 MB (a multipart request).",
    )


class StrategyFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=f"A strategy file (YAML, at most {MAX_BYTES // 1000} kB; README, *Strategy "
        "files*).",
    )

    def validate_file(self, upload):
        if upload.size is not None and upload.size > MAX_BYTES:
            raise serializers.ValidationError(f"The file is larger than {MAX_BYTES // 1000} kB.")
        return upload
