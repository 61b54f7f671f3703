from django.contrib import admin

from .models import Customer, Invoice

admin.site.register(Customer)
admin.site.register(Invoice)
