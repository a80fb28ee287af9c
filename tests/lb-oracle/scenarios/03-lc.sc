# lc: sequential requests (every connection inactive), then one held open
adm -C
adm -A -t $VIP:$PORT -s lc
adm -a -t $VIP:$PORT -r $BE1:80 -m
adm -a -t $VIP:$PORT -r $BE2:80 -m
adm -a -t $VIP:$PORT -r $BE3:80 -m
get 4
hold
get 4
waithold
check
