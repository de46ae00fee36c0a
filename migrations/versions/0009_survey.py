"""Dissatisfied-customer survey and callback (Part B): contacts, survey and callback records,
remedy tasks, sample audits, import batches, and the cause categories with their handling
scripts (seeded from KF-006).

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None

_SORRY = "感谢您的支持，对专员在服务过程中给您带来的误解和不满，我们深表歉意。请问您的问题现在解决了吗？"
_FIXED = ("未解决的，按正常接线流程帮您处理；已解决的，安抚用户并告知：客服已针对专员进行整改和内部处理"
          "（下线培训、处罚等），也希望您一如既往地支持我们。")
_OTHER = "感谢您的支持。请问您对我们哪方面不满意？如有疑问，可以随时联系我们。"
_POLICY = "以安抚为主，向您说明相关政策规定，并主动为您寻找替代方案，尽力解决您的问题。"
_FUNCTION = "以安抚为主；如有替代的操作方法，指导用户正确操作；用户仍不接受的，递交VOC，之后按“回访结果”不满意流程处理。"
_MISSET = "以安抚为主，指导用户正确的操作方法，避免以后再次误操作造成损失。"
_RESULT_HOTLINE = ("回访前先分析业务方给出的回访结果：绝对不能更改的，把结果告知用户并做好解释和安抚；有可能更改的，"
                   "先不回访，及时与业务方联系给出替代方案后再回访。先告知原回访结果，用户接受或满意则无需替代方案；"
                   "不接受或不满意的给出替代方案；仍不满意的做好解释和安抚；用户不接受的，帮用户追加事件。")
_REFUND = ("感谢您的支持，非常抱歉：由于事件提交时信息收集不全等原因，延误了处理时间，请您谅解。"
           "请问您的问题现在解决了吗？" + _FIXED)

HOTLINE = [
    ("服务态度", _SORRY + _FIXED),
    ("专业知识", _SORRY + _FIXED),
    ("主动挂线", _SORRY + _FIXED),
    ("退单导致处理不及时", _REFUND),
    ("硬件配置", "感谢您的支持，对接待过程中给您带来的误解和不满，我们深表歉意。请问您的问题现在解决了吗？"
                 "未解决的按正常接线流程处理；已解决的，安抚用户并告知客服已进行整改，也希望您一如既往地支持我们。"),
    ("其它", _OTHER),
    ("知识库口径内容", _POLICY),
    ("回访结果", _RESULT_HOTLINE),
    ("安全问题", "按事件提交流程收集用户相关信息并帮助提交；待业务方给出回访结果后，按“回访结果”不满意流程处理。"),
    ("功能设置", _FUNCTION),
    ("误操作设置", _MISSET),
    ("误操作评价", "感谢您的支持。评价时不必着急，我来为您说明正确的评价方法。"),
    ("系统查询不到", _OTHER),
]

QQ = [
    ("专业知识", "规范和统一话术，提升专员话术的严谨性。回访时：" + _SORRY),
    ("服务态度", "针对服务态度有问题的专员进行统一培训，提升服务热情。回访时：" + _SORRY + _FIXED),
    ("回访结果", "在线回访不是客服，结果分为接受和不接受：接受但不满意结果的，做好解释和安抚；"
                 "不接受的，帮助用户追加事件。"),
    ("功能设置", "以安抚为主；如有替代的操作方法，指导用户正确操作；用户不接受的，递交VOC。"),
    ("误操作设置", _MISSET),
    ("知识库口径内容", _POLICY),
    ("其它", _OTHER),
    ("退单导致处理不及时", _REFUND),
]


def upgrade():
    op.create_table(
        'survey_categories',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=8), nullable=False),
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('script', sa.Text(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_survey_categories'),
        sa.UniqueConstraint('channel', 'name', name='uq_survey_categories_channel_name'),
    )
    op.create_table(
        'survey_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.Column('total_rows', sa.Integer(), nullable=False),
        sa.Column('good_rows', sa.Text(), nullable=False),
        sa.Column('problems', sa.Text(), nullable=False),
        sa.Column('file_problem', sa.Text(), nullable=False),
        sa.Column('known_rows', sa.Integer(), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=True),
        sa.Column('imported_count', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name='fk_survey_imports_uploaded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_survey_imports'),
    )
    op.create_table(
        'survey_contacts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=8), nullable=False),
        sa.Column('phone', sa.String(length=16), nullable=False),
        sa.Column('contact_at', sa.DateTime(), nullable=False),
        sa.Column('agent_no', sa.String(length=10), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=True),
        sa.Column('week_start', sa.Date(), nullable=False),
        sa.Column('survey_due_on', sa.Date(), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=True),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('needs_survey', sa.Boolean(), nullable=False),
        sa.Column('needs_callback', sa.Boolean(), nullable=True),
        sa.Column('survey_reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('survey_reviewed_at', sa.DateTime(), nullable=True),
        sa.Column('surveyed_at', sa.DateTime(), nullable=True),
        sa.Column('resolved', sa.Boolean(), nullable=True),
        sa.Column('callback_due_on', sa.Date(), nullable=True),
        sa.Column('held_at', sa.DateTime(), nullable=True),
        sa.Column('hold_note', sa.Text(), nullable=False),
        sa.Column('chase_count', sa.Integer(), nullable=False),
        sa.Column('last_chased_at', sa.DateTime(), nullable=True),
        sa.Column('business_result', sa.Text(), nullable=False),
        sa.Column('business_result_at', sa.DateTime(), nullable=True),
        sa.Column('callback_reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('callback_reviewed_at', sa.DateTime(), nullable=True),
        sa.Column('callback_done_at', sa.DateTime(), nullable=True),
        sa.Column('callback_by_id', sa.Integer(), nullable=True),
        sa.Column('callback_score', sa.Integer(), nullable=True),
        sa.Column('callback_outcome', sa.String(length=16), nullable=True),
        sa.Column('tracking', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['import_id'], ['survey_imports.id'],
                                name='fk_survey_contacts_import_id_survey_imports'),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name='fk_survey_contacts_ticket_id_tickets'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name='fk_survey_contacts_created_by_id_users'),
        sa.ForeignKeyConstraint(['survey_reviewed_by_id'], ['users.id'],
                                name='fk_survey_contacts_survey_reviewed_by_id_users'),
        sa.ForeignKeyConstraint(['callback_reviewed_by_id'], ['users.id'],
                                name='fk_survey_contacts_callback_reviewed_by_id_users'),
        sa.ForeignKeyConstraint(['callback_by_id'], ['users.id'],
                                name='fk_survey_contacts_callback_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_survey_contacts'),
        sa.UniqueConstraint('ticket_id', name='uq_survey_contacts_ticket_id'),
        sa.UniqueConstraint('channel', 'phone', 'contact_at', 'agent_no',
                            name='uq_survey_contacts_natural'),
    )
    op.create_index('ix_survey_contacts_survey', 'survey_contacts',
                    ['needs_survey', 'surveyed_at', 'survey_due_on'])
    op.create_index('ix_survey_contacts_callback', 'survey_contacts',
                    ['needs_callback', 'callback_done_at', 'callback_due_on'])
    op.create_index('ix_survey_contacts_agent', 'survey_contacts', ['agent_no'])
    op.create_table(
        'survey_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(), nullable=False),
        sa.Column('resolved', sa.Boolean(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('unresolved_issue', sa.Text(), nullable=False),
        sa.Column('needs_callback', sa.Boolean(), nullable=False),
        sa.Column('surveyed_by_id', sa.Integer(), nullable=False),
        sa.Column('surveyed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['survey_contacts.id'],
                                name='fk_survey_records_contact_id_survey_contacts'),
        sa.ForeignKeyConstraint(['category_id'], ['survey_categories.id'],
                                name='fk_survey_records_category_id_survey_categories'),
        sa.ForeignKeyConstraint(['surveyed_by_id'], ['users.id'],
                                name='fk_survey_records_surveyed_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_survey_records'),
        sa.UniqueConstraint('contact_id', name='uq_survey_records_contact_id'),
    )
    op.create_table(
        'callback_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('follow_up', sa.Boolean(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['survey_contacts.id'],
                                name='fk_callback_records_contact_id_survey_contacts'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name='fk_callback_records_recorded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_callback_records'),
    )
    op.create_index('ix_callback_records_contact_id', 'callback_records', ['contact_id'])
    op.create_table(
        'remedy_tasks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('callback_id', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('contact_due_at', sa.DateTime(), nullable=False),
        sa.Column('remedy_due_at', sa.DateTime(), nullable=False),
        sa.Column('contacted_at', sa.DateTime(), nullable=True),
        sa.Column('contacted_by_id', sa.Integer(), nullable=True),
        sa.Column('contact_note', sa.Text(), nullable=False),
        sa.Column('remedied_at', sa.DateTime(), nullable=True),
        sa.Column('remedied_by_id', sa.Integer(), nullable=True),
        sa.Column('remedy_note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['survey_contacts.id'],
                                name='fk_remedy_tasks_contact_id_survey_contacts'),
        sa.ForeignKeyConstraint(['callback_id'], ['callback_records.id'],
                                name='fk_remedy_tasks_callback_id_callback_records'),
        sa.ForeignKeyConstraint(['contacted_by_id'], ['users.id'],
                                name='fk_remedy_tasks_contacted_by_id_users'),
        sa.ForeignKeyConstraint(['remedied_by_id'], ['users.id'],
                                name='fk_remedy_tasks_remedied_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_remedy_tasks'),
        sa.UniqueConstraint('callback_id', name='uq_remedy_tasks_callback_id'),
    )
    op.create_index('ix_remedy_tasks_contact_id', 'remedy_tasks', ['contact_id'])
    op.create_index('ix_remedy_tasks_open', 'remedy_tasks', ['remedied_at', 'remedy_due_at'])
    op.create_table(
        'sample_audits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('drawn_by_id', sa.Integer(), nullable=False),
        sa.Column('drawn_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['drawn_by_id'], ['users.id'],
                                name='fk_sample_audits_drawn_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_sample_audits'),
    )
    op.create_table(
        'sample_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('audit_id', sa.Integer(), nullable=False),
        sa.Column('callback_id', sa.Integer(), nullable=False),
        sa.Column('accurate', sa.Boolean(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('marked_by_id', sa.Integer(), nullable=True),
        sa.Column('marked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['audit_id'], ['sample_audits.id'],
                                name='fk_sample_items_audit_id_sample_audits'),
        sa.ForeignKeyConstraint(['callback_id'], ['callback_records.id'],
                                name='fk_sample_items_callback_id_callback_records'),
        sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'],
                                name='fk_sample_items_marked_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_sample_items'),
        sa.UniqueConstraint('audit_id', 'callback_id', name='uq_sample_items_audit_callback'),
    )
    op.create_index('ix_sample_items_callback_id', 'sample_items', ['callback_id'])

    categories = sa.table('survey_categories', sa.column('channel', sa.String),
                          sa.column('name', sa.String), sa.column('script', sa.Text),
                          sa.column('position', sa.Integer), sa.column('active', sa.Boolean))
    op.bulk_insert(categories, [
        {'channel': channel, 'name': name, 'script': script, 'position': i, 'active': True}
        for channel, rows in (('hotline', HOTLINE), ('qq', QQ))
        for i, (name, script) in enumerate(rows)])


def downgrade():
    op.drop_index('ix_sample_items_callback_id', table_name='sample_items')
    op.drop_table('sample_items')
    op.drop_table('sample_audits')
    op.drop_index('ix_remedy_tasks_open', table_name='remedy_tasks')
    op.drop_index('ix_remedy_tasks_contact_id', table_name='remedy_tasks')
    op.drop_table('remedy_tasks')
    op.drop_index('ix_callback_records_contact_id', table_name='callback_records')
    op.drop_table('callback_records')
    op.drop_table('survey_records')
    op.drop_index('ix_survey_contacts_agent', table_name='survey_contacts')
    op.drop_index('ix_survey_contacts_callback', table_name='survey_contacts')
    op.drop_index('ix_survey_contacts_survey', table_name='survey_contacts')
    op.drop_table('survey_contacts')
    op.drop_table('survey_imports')
    op.drop_table('survey_categories')
