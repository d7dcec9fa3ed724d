import type { Area } from '../area.ts';
import { SegmentEditor } from './SegmentEditor.tsx';
import { SegmentList } from './SegmentList.tsx';

export const area: Area = {
  pages: [
    { path: '/segments', render: () => <SegmentList /> },
    // Before /segments/:id, which would otherwise read "new" as an id.
    { path: '/segments/new', render: () => <SegmentEditor /> },
    { path: '/segments/:id', render: ({ id }) => <SegmentEditor id={id!} /> },
  ],
  nav: [{ section: 'insights', order: 60, to: '/segments', label: 'segments.nav' }],
};
