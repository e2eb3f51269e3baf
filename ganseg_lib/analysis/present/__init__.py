"""The presentation layer: numbers in sentences, tables and figures on a page, banners."""
