/** Zendesk's CDN build of the ZAF SDK, major version 2 (the pages load it; app/src/zaf/init.ts). */
export const ZAF_SDK_URL = 'https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js';
