// Run the suite in the zone Mulin's servers live in, so any instant that leaks through local time shows up.
process.env.TZ = 'Asia/Shanghai';
