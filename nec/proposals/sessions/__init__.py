"""The organisers' sessions pages /<ev>/manage/sessions, speakers, claim links, import and export."""
