from django.contrib import admin

from customers.models import Contract, ContractAmendment, Customer, Product


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("customer_no", "name", "phone_masked", "region", "value_tier")
    list_filter = ("value_tier", "region")
    search_fields = ("=customer_no", "^name", "=phone")
    show_full_result_count = False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ko", "name_en", "category", "monthly_fee", "is_active")
    list_filter = ("category", "is_active")
    filter_horizontal = ("alternatives",)


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "product", "monthly_fee", "status", "start_date")
    list_filter = ("status",)
    search_fields = ("=number",)
    raw_id_fields = ("customer", "product")
    show_full_result_count = False


@admin.register(ContractAmendment)
class ContractAmendmentAdmin(admin.ModelAdmin):
    list_display = ("contract", "kind", "effective_date", "created_by", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("contract", "presentation", "old_product", "new_product")
