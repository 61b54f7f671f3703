from django.contrib.auth import authenticate, get_user_model
from rest_framework import serializers

User = get_user_model()


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    def validate(self, attrs):
        user = authenticate(self.context.get("request"), username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError("Wrong username or password.")
        attrs["user"] = user
        return attrs


class MeSerializer(serializers.ModelSerializer):
    admin = serializers.BooleanField(source="is_staff")

    class Meta:
        model = User
        fields = ["id", "username", "email", "first_name", "last_name", "admin"]
        read_only_fields = ["username"]


class ProfileSerializer(serializers.ModelSerializer):
    admin = serializers.BooleanField(source="is_staff", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "admin"]
        read_only_fields = ["username"]
