from django.contrib import admin

from .models import Brand, Category, DigitalProduct, Product, Tag


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "price", "category"]
    prepopulated_fields = {"slug": ["name"]}
    list_filter = ["category"]
    search_fields = ["name"]


admin.site.register(Category)
admin.site.register(Tag)
admin.site.register(Brand)
admin.site.register(DigitalProduct)
