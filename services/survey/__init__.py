"""Dissatisfied-customer survey and callback (不满意调研与回访, SPEC Part B), one module per
sub-area: config (categories and scripts, holidays, bands), contacts (from a ticket, marks,
the full number), imports (the survey system's weekly file), records (the review, the survey
and callback records, holds and chases), remedies (the tasks a dissatisfied callback opens),
problems (what the cycle raises, graded, on their clocks), assignments (callbacks given to
callers, 我的回访), queues (the weekly survey and callback queues), audits (the owner's sample
audit), kpis (the KPIs in SQL and the record export), ranking (the callers' published ranking)
and analysis (the monthly analysis and training)."""
