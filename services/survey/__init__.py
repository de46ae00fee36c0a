"""Dissatisfied-customer survey and callback (不满意调研与回访, SPEC Part B), one module per
sub-area: config (categories and scripts, holidays, bands), contacts (from a ticket, marks,
the full number), imports (the survey system's weekly file), records (the review, the survey
and callback records, holds and chases), remedies (the tasks a dissatisfied callback opens),
queues (the weekly survey and callback queues), audits (the owner's sample audit) and kpis
(the KPIs in SQL and the record export)."""
