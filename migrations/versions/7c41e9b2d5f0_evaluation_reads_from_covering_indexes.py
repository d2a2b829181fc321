"""evaluation reads from covering indexes

An evaluation reads a partnership's tags, joins and leaves, joint activities and work
logs of the last months: with these indexes SQLite reads those rows from the index alone
instead of looking each one up in its table (about 0.7 s of a 14 s evaluation at 100,000
members).

Revision ID: 7c41e9b2d5f0
Revises: 5e2c0a9d7b41
Create Date: 2026-12-07 15:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c41e9b2d5f0'
down_revision = '5e2c0a9d7b41'
branch_labels = None
depends_on = None

# table → (old index, its columns), (new index, its columns)
CHANGES = {
    'membership_tags': (('ix_membership_tags_tag_id', ['tag_id']),
                        ('ix_membership_tags_tag_member', ['tag_id', 'membership_id'])),
    'work_logs': (('ix_work_logs_partnership_id', ['partnership_id']),
                  ('ix_work_logs_window',
                   ['partnership_id', 'worked_on', 'task_id', 'membership_id', 'hours'])),
    'joint_activities': (('ix_joint_activities_when', ['partnership_id', 'occurred_at']),
                         ('ix_joint_activities_when',
                          ['partnership_id', 'occurred_at', 'duration_minutes', 'kind',
                           'task_id', 'working_group_id'])),
    'events': (('ix_events_partnership_kind', ['partnership_id', 'kind', 'occurred_at']),
               ('ix_events_partnership_kind',
                ['partnership_id', 'kind', 'occurred_at', 'task_id', 'working_group_id',
                 'subject_id'])),
}


def upgrade():
    for table, ((old, _), (new, columns)) in CHANGES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(old)
            batch_op.create_index(new, columns, unique=False)


def downgrade():
    for table, ((old, columns), (new, _)) in CHANGES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(new)
            batch_op.create_index(old, columns, unique=False)
