# nq: sequential requests (every connection inactive), then one held open
adm -C
adm -A -t $VIP:$PORT -s nq
adm -a -t $VIP:$PORT -r $BE1:80 -m -w 4
adm -a -t $VIP:$PORT -r $BE2:80 -m -w 3
adm -a -t $VIP:$PORT -r $BE3:80 -m -w 2
get 4
hold
get 4
waithold
check
