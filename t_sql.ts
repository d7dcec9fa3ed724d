import { summarySql } from './src/modules/intelligence/summarySql.ts';
console.log(summarySql({ workspaceId: process.argv[2], currency: 'JPY', timeZone: 'Asia/Tokyo', asOf: new Date('2026-10-31T15:00:00Z') }));
