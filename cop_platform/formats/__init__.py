"""Date and number formats (FORMAT_MODULE_PATH points here): for languages Django ships none for (Burmese),
and where Django's own are wrong for us (Russian day and month). Django's formats fill in the rest."""
