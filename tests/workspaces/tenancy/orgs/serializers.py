from django.contrib.auth import get_user_model
from rest_framework import serializers

from .models import Membership, Organization

User = get_user_model()


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.ReadOnlyField(source="user.username")

    class Meta:
        model = Membership
        fields = ["id", "organization", "username", "role"]
        read_only_fields = ["organization", "role"]


class InvitationSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.MEMBER)

    def validate(self, attrs):
        try:
            attrs["organization"] = Organization.objects.get(pk=attrs["organization"])
        except Organization.DoesNotExist:
            raise serializers.ValidationError({"organization": "No such organization."})
        try:
            attrs["user"] = User.objects.get(username=attrs.pop("username"))
        except User.DoesNotExist:
            raise serializers.ValidationError({"username": "No such user."})
        return attrs

    def create(self, validated_data):
        return Membership.objects.create(**validated_data)
