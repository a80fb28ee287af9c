# sh: one connection from each of 9 sources, twice, and 3 from the client
adm -C
adm -A -t $VIP:$PORT -s sh
adm -a -t $VIP:$PORT -r $BE1:80 -m
adm -a -t $VIP:$PORT -r $BE2:80 -m
adm -a -t $VIP:$PORT -r $BE3:80 -m
get 1 10.10.0.21,10.10.0.22,10.10.0.23,10.10.0.24,10.10.0.25,10.10.0.26,10.10.0.27,10.10.0.28,10.10.0.29
get 1 10.10.0.21,10.10.0.22,10.10.0.23,10.10.0.24,10.10.0.25,10.10.0.26,10.10.0.27,10.10.0.28,10.10.0.29
get 3
check
