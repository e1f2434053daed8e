"""Model selection and publishing: ranking and routing from the served operators (select), the numpy query encoder,
the published tables, report and plots (publish, report_html, plots, explain)."""
