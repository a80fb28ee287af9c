# mh (Maglev): 3 from the client, then one from each of 9 sources, twice
adm -C
adm -A -t $VIP:$PORT -s mh
adm -a -t $VIP:$PORT -r $BE1:80 -m -w 4
adm -a -t $VIP:$PORT -r $BE2:80 -m -w 3
adm -a -t $VIP:$PORT -r $BE3:80 -m -w 2
get 3
get 1 10.10.0.21,10.10.0.22,10.10.0.23,10.10.0.24,10.10.0.25,10.10.0.26,10.10.0.27,10.10.0.28,10.10.0.29
get 1 10.10.0.21,10.10.0.22,10.10.0.23,10.10.0.24,10.10.0.25,10.10.0.26,10.10.0.27,10.10.0.28,10.10.0.29
check
